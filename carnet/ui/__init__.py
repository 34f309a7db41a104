"""The design system: colours, type scale, spacing, icons and the components every page is built
from (page header, cards, tables, forms, navigation, empty states, badges, pagination),
the form renderer, the navigation and home-widget registries.

Knows no school concept. Templates include `ui/components/*.html` and use the `{% icon %}` tag."""
