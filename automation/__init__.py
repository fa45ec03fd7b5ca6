"""MasterTech network automation toolkit."""
