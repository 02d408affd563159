"""Network policies: egress rules devboxes start with (the API side; enforcement is ``network``)."""
