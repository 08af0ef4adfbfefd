"""Small NukeViet dumps and upload archives written by the tests, for the edge cases."""

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

HEADER = "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n/*!40101 SET NAMES utf8mb4 */;\n"
TRAILER = "-- Dump completed on 2026-12-01 10:00:00\n"

TABLES = """
CREATE TABLE `nv4_config` (
  `lang` varchar(3) NOT NULL,
  `module` varchar(50) NOT NULL,
  `config_name` varchar(30) NOT NULL,
  `config_value` text DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_config` VALUES ('sys','global','rewrite_op_mod','news'),
('sys','global','my_domains','old.example.vn');
CREATE TABLE `nv4_vi_modules` (
  `title` varchar(50) NOT NULL,
  `module_file` varchar(50) NOT NULL,
  `module_data` varchar(50) NOT NULL,
  `module_upload` varchar(50) NOT NULL,
  `custom_title` varchar(255) NOT NULL,
  `weight` int(11) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_modules` VALUES ('news','news','news','news','Tin tức',1);
CREATE TABLE `nv4_vi_news_cat` (
  `catid` int(11) NOT NULL,
  `parentid` int(11) NOT NULL,
  `title` varchar(250) NOT NULL,
  `alias` varchar(250) NOT NULL,
  `weight` int(11) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_news_cat` VALUES (1,0,'{category}','hoat-dong',1);
CREATE TABLE `nv4_vi_news_rows` (
  `id` int(11) NOT NULL,
  `catid` int(11) NOT NULL,
  `admin_id` int(11) NOT NULL,
  `author` varchar(250) DEFAULT '',
  `sourceid` int(11) NOT NULL,
  `addtime` int(11) NOT NULL,
  `edittime` int(11) NOT NULL,
  `status` tinyint(4) NOT NULL,
  `publtime` int(11) NOT NULL,
  `exptime` int(11) NOT NULL,
  `title` varchar(250) NOT NULL,
  `alias` varchar(250) NOT NULL,
  `hometext` text NOT NULL,
  `homeimgfile` varchar(255) DEFAULT '',
  `homeimgalt` varchar(255) DEFAULT '',
  `homeimgthumb` tinyint(4) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `nv4_vi_news_detail` (
  `id` int(11) NOT NULL,
  `titlesite` varchar(255) DEFAULT '',
  `description` text,
  `bodyhtml` longtext NOT NULL,
  `sourcetext` varchar(255) DEFAULT '',
  `files` text
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""


def sql_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{escaped}'"


def article_rows(articles: list[dict]) -> str:
    rows, details = [], []
    for a in articles:
        rows.append(
            f"({a['id']},1,1,'',0,1700000000,1700000000,{a.get('status', 1)},"
            f"{a.get('publtime', 1700000000)},0,{sql_string(a['title'])},"
            f"{sql_string(a.get('alias', 'bai-' + str(a['id'])))},"
            f"{sql_string(a.get('hometext', ''))},"
            f"{sql_string(a.get('image', ''))},'',{1 if a.get('image') else 0})"
        )
        details.append(f"({a['id']},'','',{sql_string(a.get('body', '<p>Nội dung</p>'))},'',NULL)")
    return (
        "INSERT INTO `nv4_vi_news_rows` VALUES " + ",\n".join(rows) + ";\n"
        "INSERT INTO `nv4_vi_news_detail` VALUES " + ",\n".join(details) + ";\n"
    )


def small_dump(articles: list[dict], *, category: str = "Hoạt động") -> str:
    return HEADER + TABLES.replace("{category}", category) + article_rows(articles) + TRAILER


def write(path: Path, text: str | bytes, *, gz: bool = False) -> Path:
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def tar_with(path: Path, members: list[tarfile.TarInfo], contents: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as bundle:
        for member in members:
            data = contents.get(member.name)
            if data is not None:
                member.size = len(data)
                bundle.addfile(member, io.BytesIO(data))
            else:
                bundle.addfile(member)
    return path


def tar_files(path: Path, files: dict[str, bytes]) -> Path:
    return tar_with(path, [tarfile.TarInfo(name) for name in files], files)


def zip_files(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return path


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()
