-- wrk: POST a typical 123hub error body to /api/v1/diagnose.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"body": "{\\"success\\": false, \\"error\\": {\\"code\\": 6010, \\"message\\": \\"Payment does not exist\\", \\"details\\": null, \\"context\\": null}, \\"request_id\\": \\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\\", \\"processing_time\\": 5}"}'
