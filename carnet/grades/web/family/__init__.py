"""What students and guardians see of marks: the marks page, the explanation of an average with
its what-if, and the "Dernières notes" home widgets."""
