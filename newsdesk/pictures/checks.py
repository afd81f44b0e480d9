from django.core.checks import Warning, register


@register()
def originals_in_the_media_folder(app_configs=None, databases=None, **kwargs):
    """Pictures kept before `newsdesk strip-metadata`: their originals, metadata and all, are still
    in the media folder, where a front server serving it would hand them out."""
    if not databases:
        return []
    from django.db import DatabaseError

    from .metadata import pictures_to_strip

    try:
        count = pictures_to_strip().count()
    except DatabaseError:  # not migrated yet
        return []
    if not count:
        return []
    return [Warning(f"{count} pictures keep their original, with its metadata (EXIF, GPS), in the media folder.",
                    hint="Run `newsdesk strip-metadata` once.", id="pictures.W001")]
