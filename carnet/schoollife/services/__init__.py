"""Writes (and the computations they rest on) of the schoollife app:

- `conduct`: the conduct-mark suggestion (`suggest_conduct`, `class_suggestions`), its validation
  into the grades conduct mark (`validate_suggestion`, `validate_many`) and the rule (`rule_for`,
  `update_rule`);
- `letters`: letter templates and their placeholders (`PLACEHOLDERS`, `check_placeholders`,
  `render`, `create_template`, `update_template`, `delete_template`);
- `mailing`: mass mailing to families (`prepare_mailing`, `send_mailing`, `discard_mailing`,
  `outcome_of`)."""
