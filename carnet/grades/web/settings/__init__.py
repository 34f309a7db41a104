"""The staff side of grades: the grading settings page (`views`) and the averages exports page
(`exports`)."""
