"""The network API: govnet's services over HTTPS for district agencies and automation."""
