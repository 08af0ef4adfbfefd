from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection

from cms import visit_counter
from cms.models import ReaderComment
from lhh.celery import app


@app.task
def comment_notify_moderators(comment_id: int) -> int:
    """E-mail the union's own moderators that a reader comment awaits approval.

    Runs in the schema it was queued from (a UnionTask refuses public), so the
    comment and the moderators are always this union's.
    """
    comment = ReaderComment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != ReaderComment.Status.PENDING:
        return 0
    moderators = [
        user.email
        for user in get_user_model().objects.filter(is_active=True, email__gt="")
        if user.has_perm("cms.change_readercomment")
    ]
    if not moderators:
        return 0
    return send_mail(
        subject=f"[{connection.schema_name}] Ý kiến bạn đọc mới chờ duyệt",
        message=(
            f"Bài: {comment.article.title}\n"
            f"Người gửi: {comment.name} <{comment.email}>\n\n{comment.body}"
        ),
        from_email=None,
        recipient_list=moderators,
    )


@app.task
def visits_flush() -> int:
    """Move this union's cached page views into the database."""
    return visit_counter.visits_flush()


@app.task
def personal_data_purge() -> dict[str, int]:
    """Visitors' data of this union past its retention period goes (beat, daily)."""
    from cms.personal_data import personal_data_purge as purge

    return purge()
