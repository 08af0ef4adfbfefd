from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label="Tiêu đề mục")
    paragraph = blocks.RichTextBlock(label="Đoạn văn")
    image = ImageBlock(label="Hình ảnh", template="cms/blocks/image.html")
    quote = blocks.BlockQuoteBlock(label="Trích dẫn")

    class Meta:
        label = "Nội dung"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label="Số liệu", help_text="Ví dụ: 32 hoặc 23.628")
    label = blocks.CharBlock(label="Ý nghĩa", help_text="Ví dụ: hội thành viên")

    class Meta:
        label = "Số liệu nổi bật"
