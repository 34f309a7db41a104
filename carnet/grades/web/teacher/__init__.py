"""The teacher's pages for entering marks: "my teaching" (/notes/saisie/), the grid of a class or
group for a period (students × assessments, saved cell by cell without a submit button), and the
assessment form (create, edit, duplicate, delete, publish).

- `data`: what the pages read (the grid, the teaching list, the home widget), in a constant number
  of queries whatever the size of the class;
- `views`: the home page, the grid page and its JSON endpoints (cell, column, cell dialog);
- `assessments`: the assessment form and its actions."""
