"""Every endpoint of both hosts' APIs is described in the OpenAPI schema by its view's
docstring: a view whose docstring is misplaced (after `model = …`) has none, and its
operations would reach the client generators and the docs page undescribed."""

import inspect

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.mark.parametrize("routes", ["api.routes_union", "api.routes_national"])
def test_every_api_view_has_a_docstring_that_reaches_the_schema(routes):
    generator = SchemaGenerator(urlconf=routes)
    schema = generator.get_schema(request=None, public=True)
    endpoints = generator._get_paths_and_endpoints()
    assert endpoints, "no endpoints found"
    undescribed = []
    for path, _path_regex, method, view in endpoints:
        view_class = type(view)
        own_doc = view_class.__dict__.get("__doc__")
        operation = schema["paths"][path][method.lower()]
        action = getattr(view, "action", None)
        action_doc = inspect.getdoc(getattr(view_class, action, None)) if action else None
        # An action's own docstring describes that operation; the class's describes the rest.
        expected = action_doc or (inspect.cleandoc(own_doc) if own_doc else None)
        if not expected or expected.splitlines()[0] not in operation.get("description", ""):
            undescribed.append(f"{method} {path} ({view_class.__name__})")
    assert not undescribed, "operations without their view's description: " + ", ".join(undescribed)
