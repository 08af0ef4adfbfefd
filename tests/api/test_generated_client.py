"""A Python client generated from a union's OpenAPI schema installs and works unedited."""

import json
import subprocess
import sys
import textwrap
import urllib.request

from django_tenants.utils import schema_context

from cms.models import NewsArticlePage

# `*.localhost` is loopback to browsers and curl, not to the C resolver: the script
# answers those names itself, as a browser would, and leaves the client alone.
_CLIENT_SCRIPT = textwrap.dedent(
    """
    import json, socket, sys
    real = socket.getaddrinfo
    def loopback(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)
    socket.getaddrinfo = loopback

    from lienhiephoi_cloud_api_client import Client
    from lienhiephoi_cloud_api_client.api.news import news_list

    page = news_list.sync(client=Client(base_url=sys.argv[1]), page_size=5)
    print(json.dumps({"count": page.count, "items": [[a.title, a.url] for a in page.results]}))
    """
)


def test_a_generated_client_lists_a_unions_news(site_server, demo_union, db, tmp_path):
    host = f"thanhhoa.localhost:{site_server}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{site_server}/api/v1/schema/?format=json", headers={"Host": host}
    )
    schema = json.loads(urllib.request.urlopen(request, timeout=30).read())
    assert schema["servers"] == [{"url": f"http://{host}"}]
    (tmp_path / "schema.json").write_text(json.dumps(schema))

    generate = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", "schema.json", "--meta", "setup",
    ]  # fmt: skip
    subprocess.run(generate, cwd=tmp_path, check=True, capture_output=True)
    project = tmp_path / "lienhiephoi-cloud-api-client"
    assert project.is_dir(), sorted(p.name for p in tmp_path.iterdir())
    install = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
        "--target", str(tmp_path / "site"), str(project),
    ]  # fmt: skip
    subprocess.run(install, check=True, capture_output=True)

    listed = subprocess.run(
        [sys.executable, "-c", _CLIENT_SCRIPT, schema["servers"][0]["url"]],
        env={"PYTHONPATH": str(tmp_path / "site")},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    answer = json.loads(listed.stdout)
    with schema_context(demo_union.schema_name):
        published = NewsArticlePage.objects.live().public()
        newest = published.order_by("-published_on", "-id")[:5]
        expected = [[a.title, f"http://{host}{a.url}"] for a in newest]
        assert answer == {"count": published.count(), "items": expected}
