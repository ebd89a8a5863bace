"""Viewsets of the Pleroma account features (routes in accounts/pleroma_urls.py)."""
