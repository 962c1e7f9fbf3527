"""Issued tickets: one per unit sold, a signed QR code each, checked in once at the gate."""
