"""The identity part of the API: how a request proves who it is (`auth`), and personal tokens
(`tokens`). Nothing here knows about schools."""
