"""The Voucherify-compatible Orders API (/v1/orders…): an API client's view of Mookh orders.

Every order made here goes through `orders.services.order_place`; this package keeps only what
such clients add: their ids and source ids, customers, metadata, imports and exports.
"""
