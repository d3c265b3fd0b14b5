"""Services the local demo adds to the xblock-sdk workbench.

The workbench's own user service carries only ``xblock-workbench.user_id``. The LMS gives
blocks the ``edx-platform.*`` attributes instead, so the demo provides them too: the
workbench's ``?student=<id>`` becomes the username, and ids starting with ``staff`` are
course staff (``?student=staff``), which lets a newcomer try the staff views locally.
"""
import hashlib

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
