"""What a study hands over: figures, and the provenance manifest an auditor verifies."""
