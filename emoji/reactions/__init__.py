"""Emoji reactions: services, the Status entity loader and the reaction endpoints."""
