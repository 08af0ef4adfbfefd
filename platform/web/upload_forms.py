"""Admin upload forms with the platform's size limit and Vietnamese errors.

Wagtail's own messages for these cases are not translated into Vietnamese, and
it sets no size limit on documents at all.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


def _too_large(size: int) -> ValidationError:
    return ValidationError(
        "Tệp quá lớn (%(size)s). Dung lượng tối đa cho phép là %(limit)s.",
        code="file_too_large",
        params={
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
        },
    )


def image_field_in_vietnamese(field: WagtailImageField) -> WagtailImageField:
    """Vietnamese help and errors for a Wagtail image field (extension, content, size)."""
    field.help_text = (
        f"Định dạng: {field.supported_formats_text}. "
        f"Dung lượng tối đa: {field.max_upload_size_text}."
    )
    field.error_messages["invalid_image_extension"] = (
        f"Định dạng ảnh không được hỗ trợ. Chỉ nhận: {field.supported_formats_text}."
    )
    field.error_messages["invalid_image"] = "Tệp tải lên không phải là ảnh hợp lệ hoặc đã bị hỏng."
    field.error_messages["invalid_image_known_format"] = (
        "Tệp không phải là ảnh .%(extension)s hợp lệ (nội dung là %(image_format)s)."
    )
    field.error_messages["file_too_large"] = (
        "Tệp quá lớn (%(file_size)s). Dung lượng tối đa cho phép là %(max_filesize)s."
    )
    return field


class UnionImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The multiple uploader's edit form is this form without its file field.
        if "file" in self.fields:
            image_field_in_vietnamese(self.fields["file"])


class UnionDocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file is not None and file.size > settings.MAX_UPLOAD_BYTES:
            raise _too_large(file.size)
        return file
