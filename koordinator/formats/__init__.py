"""Custom date and time formats (settings.FORMAT_MODULE_PATH). Norwegian: 23.11.2026 kl. 14.00."""
