"""The shared web layer: what every feature's views use (access rules and scoped loading,
response-rate figures, shared forms, downloads, labels for people). It never imports a feature."""
