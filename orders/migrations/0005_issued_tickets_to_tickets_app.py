from django.db import migrations


class Migration(migrations.Migration):
    """Issued tickets, gate scans and the event check-ins view now belong to the tickets app.

    State only: the tables and their rows stay; tickets' first migration takes the models over."""

    dependencies = [
        ('orders', '0004_customer_email_identity'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CheckInScan'),
                migrations.DeleteModel(name='IssuedTicket'),
                migrations.DeleteModel(name='EventCheckIns'),
            ],
            database_operations=[],
        ),
    ]
