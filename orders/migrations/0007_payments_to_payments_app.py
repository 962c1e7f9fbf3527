from django.db import migrations


class Migration(migrations.Migration):
    """Payments and refunds now belong to the payments app, which owns every money rule.

    State only: the tables and their rows stay; payments' 0002 takes the models over."""

    dependencies = [
        ('orders', '0006_customer_email_optional'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Payment'),
                migrations.DeleteModel(name='Refund'),
            ],
            database_operations=[],
        ),
    ]
