"""Web plumbing every layer shares: rate limits, captcha, schema scoping, spreadsheets,
upload limits and the admin's language. It imports no project code."""
