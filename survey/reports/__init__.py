"""Feedback reports per site and round (issue 8): statistics and disclosure control first."""
