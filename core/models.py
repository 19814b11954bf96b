"""Abstract models every app shares: bilingual names and private files."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PrivateFile(models.Model):
    """What is kept about an uploaded file that only permitted readers may download: the
    file itself lives in private storage (subclasses say where) and is streamed by a view."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class LocalizedName(models.Model):
    """A place with a Chinese and an English name, shown in the reader's language."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class PublicVersion(models.Model):
    """The version of everything the public pages show (core.public_cache): one row, bumped in
    the transaction of any change they show, so every process sees it at the same moment. Row 2
    is the version of the reviewer list (grants/review/filter_choices.py), which is not public."""

    number = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.number)
