"""OpenAPI post-processing: the error answers every operation may give, so that clients (and Schemathesis) find
each status code the API returns in the schema, with its body."""

ERROR = {
    "type": "object",
    "description": "错误 An error: `detail` says what went wrong (in the user's language).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "校验错误 Validation errors: a list of messages per field (`non_field_errors` for the whole body).",
    "additionalProperties": {},
}


def _ref(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def add_error_responses(result, generator, request, public):
    """Add 400 (where a body or query parameters are read), 401, 403, 404 and 429."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = {
                "401": ("Not authenticated", "Error"),
                "403": ("Not allowed", "Error"),
                "404": ("Not found, outside your scope, or no such page", "Error"),
                "429": ("Too many requests", "Error"),
            }
            if method in ("post", "put", "patch") or operation.get("parameters"):
                errors["400"] = ("Invalid input", "ValidationError")
            for code, (description, schema) in errors.items():
                responses.setdefault(code, {"description": description, **_ref(schema)})
    return result
