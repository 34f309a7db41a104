"""Django wiring only: settings, URL routing, the WSGI entry point and the `carnet` command."""
