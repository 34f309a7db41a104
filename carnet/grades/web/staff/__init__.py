"""Reading a class's marks without entering them (/notes/consultation/): the administrative staff of
the establishment (head, deputies, school life, secretary) and a class's main teacher open the
read-only grid of an assignment for a period — the same students × assessments as the teacher's
grid, no field, each mark a link to its comment and history.

- `data`: the classes and subjects a person may read (the entry page) and the links from the
  council's subjects to their grids;
- `views`: the entry page, the read-only grid and a mark's comment and history."""
