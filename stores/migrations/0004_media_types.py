from django.db import migrations

MEDIA_TYPES = ("ALBUM", "TRACK", "EBOOK")


def create_media_types(apps, schema_editor):
    MediaType = apps.get_model("stores", "MediaType")
    for name in MEDIA_TYPES:
        MediaType.objects.get_or_create(name=name)


def remove_unused_media_types(apps, schema_editor):
    """Only the ones no album uses: albums keep theirs."""
    apps.get_model("stores", "MediaType").objects.filter(name__in=MEDIA_TYPES, albums__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stores", "0003_agent_invitations_and_upload_names")]

    operations = [migrations.RunPython(create_media_types, remove_unused_media_types)]
