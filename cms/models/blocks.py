from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock


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


class GalleryPhotoBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Ảnh")
    caption = blocks.CharBlock(
        label="Chú thích",
        required=False,
        max_length=255,
        help_text="Hiện dưới ảnh và đọc cho người khiếm thị; để trống thì dùng tên ảnh.",
    )

    class Meta:
        label = "Ảnh"
        icon = "image"


class GalleryBlock(blocks.StructBlock):
    """Photos of an event as a grid of thumbnails; a click shows each one large.

    The large view is the site's own script (cms/static/cms/site.js) over plain links to
    the large rendition, so the gallery works without any outside script or CDN, and
    without JavaScript at all (each thumbnail then opens its photo).
    """

    title = blocks.CharBlock(label="Tiêu đề bộ ảnh", required=False, max_length=255)
    photos = blocks.ListBlock(GalleryPhotoBlock(), label="Các ảnh", min_num=1)

    class Meta:
        label = "Bộ ảnh"
        icon = "image"
        template = "cms/blocks/gallery.html"


class EmbedVideoBlock(EmbedBlock):
    """A video by its address (YouTube, Vimeo, Facebook…), through Wagtail's embeds.

    The player's HTML comes from the provider's oEmbed answer when the editor saves, and
    is stored in the union's own schema (wagtailembeds_embed): a page view never asks
    the provider again.
    """

    class Meta:
        label = "Video (địa chỉ)"
        icon = "media"
        template = "cms/blocks/embed.html"
        help_text = "Dán địa chỉ video, ví dụ https://www.youtube.com/watch?v=…"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label="Tiêu đề mục")
    paragraph = blocks.RichTextBlock(label="Đoạn văn")
    image = ImageBlock(label="Hình ảnh", template="cms/blocks/image.html")
    quote = blocks.BlockQuoteBlock(label="Trích dẫn")
    table = TableBlock(label="Bảng")
    video = VideoBlock()
    gallery = GalleryBlock()
    embed = EmbedVideoBlock()

    class Meta:
        label = "Nội dung"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label="Số liệu", help_text="Ví dụ: 32 hoặc 23.628")
    label = blocks.CharBlock(label="Ý nghĩa", help_text="Ví dụ: hội thành viên")

    class Meta:
        label = "Số liệu nổi bật"
