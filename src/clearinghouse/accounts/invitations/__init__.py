"""An owner signs itself up, or accepts the operator's invitation: the pages."""
