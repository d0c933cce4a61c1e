"""Click commands, one module each; kg.cli registers them on the ``kg`` group."""
