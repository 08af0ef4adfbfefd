from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video by its id: the player address is built here, never taken
    from stored HTML, so no other site can be framed through it."""

    provider = blocks.ChoiceBlock(
        choices=[("youtube", "YouTube"), ("vimeo", "Vimeo")], label="Nguồn video"
    )
    video_id = blocks.RegexBlock(
        regex=r"^[A-Za-z0-9_-]{4,20}$",
        label="Mã video",
        error_messages={"invalid": "Mã video chỉ gồm chữ, số, “-” và “_”."},
    )

    class Meta:
        label = "Video"
        icon = "media"
        template = "cms/blocks/video.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label="Tiêu đề mục")
    paragraph = blocks.RichTextBlock(label="Đoạn văn")
    image = ImageBlock(label="Hình ảnh", template="cms/blocks/image.html")
    quote = blocks.BlockQuoteBlock(label="Trích dẫn")
    table = TableBlock(label="Bảng")
    video = VideoBlock()

    class Meta:
        label = "Nội dung"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label="Số liệu", help_text="Ví dụ: 32 hoặc 23.628")
    label = blocks.CharBlock(label="Ý nghĩa", help_text="Ví dụ: hội thành viên")

    class Meta:
        label = "Số liệu nổi bật"
