"""Services the local demo adds to the xblock-sdk workbench.

The workbench's own user service carries only ``xblock-workbench.user_id``. The LMS gives
blocks the ``edx-platform.*`` attributes instead, so the demo provides them too: the
workbench's ``?student=<id>`` becomes the username, and ids starting with ``staff`` are
course staff (``?student=staff``), which lets a newcomer try the staff views locally.
"""
import functools
import gettext
import hashlib
from importlib import metadata, resources

from xblock.reference.user_service import UserService, XBlockUser

STAFF_PREFIX = "staff"


def demo_user(username):
    """An ``XBlockUser`` with the attributes the LMS's user service sets."""
    username = username or "student_1"
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()
    is_staff = username.startswith(STAFF_PREFIX)
    user = XBlockUser(is_current_user=True, full_name=username, emails=[f"{username}@example.com"])
    user.opt_attrs.update({
        "edx-platform.user_id": int(digest[:8], 16),
        "edx-platform.username": username,
        "edx-platform.anonymous_user_id": digest[:32],
        "edx-platform.is_authenticated": True,
        "edx-platform.user_is_staff": is_staff,
        "edx-platform.user_role": "staff" if is_staff else "student",
        "xblock-workbench.user_id": username,
    })
    return user


class DemoUserService(UserService):
    """The user of the current workbench request, with LMS-style attributes."""

    runtime = None  # attached by the workbench after construction

    def __init__(self):
        super().__init__(user=None)

    def get_current_user(self):
        """The user named by the workbench runtime (``?student=``)."""
        return demo_user(getattr(self.runtime, "user_id", None))


class DemoUserStateService:
    """The LMS ``user_state`` service over the workbench's store.

    The LMS reads ``StudentModule`` rows; here the same question, ``get_state_as_dict(
    username_or_email, block_id)`` → the block's ``Scope.user_state`` fields for that user
    (``{}`` if none), is answered from the workbench's ``XBlockState`` table, whose user
    id is the workbench's ``?student=`` value (the demo username).
    """

    runtime = None  # attached by the workbench after construction

    def get_state_as_dict(self, username_or_email, block_id):
        """The user's state of block ``block_id`` as a dict, or ``{}``."""
        import json

        from workbench.models import XBlockState

        record = XBlockState.objects.filter(scope="usage", scope_id=str(block_id),
                                            user_id=str(username_or_email)).first()
        if record is None:
            return {}
        try:
            state = json.loads(record.state)
        except ValueError:
            return {}
        return state if isinstance(state, dict) else {}


@functools.lru_cache(maxsize=16)
def _block_catalogs(locale):
    """The compiled ``text.mo`` catalogs of installed XBlock packages for ``locale``
    (read-only package data, so caching it per process is safe)."""
    found = []
    for entry_point in metadata.entry_points(group="xblock.v1"):
        package = entry_point.value.split(":")[0].split(".")[0]
        try:
            folder = resources.files(package).joinpath("translations")
        except (ModuleNotFoundError, TypeError):
            continue
        if folder.is_dir():
            try:
                found.append(gettext.translation("text", str(folder), [locale]))
            except OSError:
                continue
    return tuple(found)


class DemoI18nService:
    """Translations as the LMS gives them to XBlocks: each block package's compiled
    ``translations/<locale>/LC_MESSAGES/text.mo``, falling back to Django's catalogs.

    The workbench's own i18n service only knows Django's catalogs, so without this the
    demo would show English. (The LMS builds one service per block; the workbench has one
    per runtime, so the catalogs of all installed blocks are consulted in turn.)
    """

    runtime = None  # attached by the workbench after construction

    def __getattr__(self, name):
        import django.utils.translation

        return getattr(django.utils.translation, name)

    @staticmethod
    def _catalogs():
        from django.utils.translation import get_language, to_locale

        return _block_catalogs(to_locale(get_language() or "en"))

    def gettext(self, message):
        """``message`` translated by a block catalog, else by Django."""
        from django.utils.translation import gettext as django_gettext

        for catalog in self._catalogs():
            translated = catalog.gettext(message)
            if translated != message:
                return translated
        return django_gettext(message)

    def ngettext(self, singular, plural, number):
        """The plural form of ``singular`` / ``plural`` for ``number``."""
        from django.utils.translation import ngettext as django_ngettext

        for catalog in self._catalogs():
            translated = catalog.ngettext(singular, plural, number)
            if translated not in (singular, plural):
                return translated
        return django_ngettext(singular, plural, number)

    ugettext = gettext
    ungettext = ngettext
