"""What a hosting team watches: health probes, structured logs and Prometheus metrics."""
