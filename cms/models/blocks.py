from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label="Tiêu đề mục")
    paragraph = blocks.RichTextBlock(label="Đoạn văn")
    image = ImageBlock(label="Hình ảnh")
    quote = blocks.BlockQuoteBlock(label="Trích dẫn")

    class Meta:
        label = "Nội dung"
