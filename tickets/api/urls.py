from mookh.core.api import optional_slash_path
from tickets.api import views

ID = "[0-9a-fA-F-]{32,36}"

urlpatterns = [
    optional_slash_path("check_in/batch/", views.CheckInBatchView.as_view(), name="check-in-batch"),
    optional_slash_path("check_in/", views.CheckInView.as_view(), name="check-in"),
    optional_slash_path(f"event/(?P<event_id>{ID})/check_in_key/", views.CheckInKeyView.as_view(),
                        name="event-check-in-key"),
    optional_slash_path(f"event/(?P<event_id>{ID})/check_in_list/", views.CheckInListView.as_view(),
                        name="event-check-in-list"),
    optional_slash_path(f"orders/(?P<order_id>{ID})/tickets/", views.OrderTicketsView.as_view(), name="order-tickets"),
    optional_slash_path(f"orders/(?P<order_id>{ID})/tickets/(?P<ticket_id>{ID})/", views.OrderTicketView.as_view(),
                        name="order-ticket"),
    optional_slash_path(rf"orders/(?P<order_id>{ID})/tickets/(?P<ticket_id>{ID})/qr\.png",
                        views.OrderTicketQRView.as_view(), name="order-ticket-qr"),
]
