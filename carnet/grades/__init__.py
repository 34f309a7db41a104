"""Marks and averages: grading profiles (the rules as data), assessments, marks, the grading engine
(`grades.engine`, pure), statistics, appraisals, conduct marks and class councils.

It does not own report cards (`carnet.reportcards`) nor the school's shape (`carnet.school`)."""
