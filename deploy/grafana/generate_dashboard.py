#!/usr/bin/env python3
"""Writes dashboards/flip-streaming.json, the provisioned Grafana dashboard, from the panel list below.

Edit the list and run `python3 deploy/grafana/generate_dashboard.py`; commit both files. Every metric a query names
must exist in the workers' live /metrics output and every flip_* family they export must be queried somewhere:
tests/Flip.Demo.Tests/Dashboard/DashboardMetricsTests.cs checks both, so the dashboard cannot silently rot.
"""
import json
import os

DS = {"type": "prometheus", "uid": "flip-prometheus"}

# (row title, [(panel title, kind, unit, [(expr, legend)])])
ROWS = [
    ("Ingest: flip.clicks -> Parquet store", [
        ("Events per second by outcome", "timeseries", "ops", [
            ('sum by (outcome) (rate(flip_ingest_events_total[1m]))', "{{outcome}}")]),
        ("Consumer lag (messages)", "timeseries", "short", [
            ('sum(flip_ingest_consumer_lag)', "total"),
            ('flip_ingest_consumer_lag', "partition {{partition}}")]),
        ("Dead letters by reason (5m)", "timeseries", "short", [
            ('sum by (reason) (increase(flip_ingest_dead_letter_total[5m]))', "{{reason}}"),
            ('increase(flip_ingest_dead_letter_local_total[5m])', "kept locally (DLQ topic refused)"),
            ('sum(increase(flip_ingest_lost_messages_total[5m]))', "lost to retention")]),
        ("Flush duration (durable write + commit)", "timeseries", "s", [
            ('histogram_quantile(0.5, sum by (le) (rate(flip_ingest_flush_duration_seconds_bucket[5m])))', "p50"),
            ('histogram_quantile(0.99, sum by (le) (rate(flip_ingest_flush_duration_seconds_bucket[5m])))', "p99"),
            ('rate(flip_ingest_flush_duration_seconds_sum[5m]) / rate(flip_ingest_flush_duration_seconds_count[5m])', "mean")]),
        ("Batch size (messages per flush)", "timeseries", "short", [
            ('histogram_quantile(0.5, sum by (le) (rate(flip_ingest_batch_size_bucket[5m])))', "p50"),
            ('rate(flip_ingest_batch_size_sum[5m]) / rate(flip_ingest_batch_size_count[5m])', "mean")]),
        ("Parquet bytes written per second", "timeseries", "Bps", [
            ('rate(flip_ingest_bytes_written_total[1m])', "bytes/s")]),
    ]),
    ("Trainer: prequential learning and publishing", [
        ("Prequential AUC (score a window, then train on it)", "timeseries", "none", [
            ('flip_trainer_window_auc', "window AUC")]),
        ("Prequential log loss and calibration", "timeseries", "none", [
            ('flip_trainer_window_logloss', "logloss"),
            ('flip_trainer_window_calibration', "mean prediction / click rate")]),
        ("Data lag (store watermark - trained event time)", "timeseries", "s", [
            ('flip_trainer_data_lag_seconds', "event-time seconds")]),
        ("Training throughput", "timeseries", "ops", [
            ('rate(flip_trainer_samples_total[1m])', "samples/s (1m)"),
            ('flip_trainer_train_samples_per_second', "samples/s (last window)"),
            ('rate(flip_trainer_windows_total[1m]) * 60', "windows/min")]),
        ("Published model version", "stat", "none", [
            ('flip_trainer_model_version', "trainer")]),
        ("Publishes by outcome", "timeseries", "short", [
            ('sum by (outcome) (increase(flip_trainer_publishes_total[5m]))', "{{outcome}}")]),
        ("FLIP mixing weight a and pretraining", "timeseries", "none", [
            ('flip_trainer_flip_a', "a"),
            ('increase(flip_trainer_pretrain_runs_total[15m])', "pretraining runs (15m)"),
            ('histogram_quantile(0.5, sum by (le) (rate(flip_trainer_pretrain_duration_seconds_bucket[1h])))', "pretraining p50 (s)")]),
        ("Embedding rows", "timeseries", "short", [
            ('flip_trainer_embedding_rows', "{{state}}")]),
        ("Late events and quarantined files", "timeseries", "short", [
            ('sum by (outcome) (increase(flip_trainer_late_events_total[5m]))', "late {{outcome}}"),
            ('increase(flip_trainer_quarantined_files_total[5m])', "quarantined files")]),
    ]),
    ("Scorer: serving, live quality, swaps", [
        ("Requests per second by endpoint and code", "timeseries", "reqps", [
            ('sum by (endpoint, code) (rate(flip_scorer_requests_total[1m]))', "{{endpoint}} {{code}}"),
            ('rate(flip_scorer_events_scored_total[1m])', "events scored/s")]),
        ("Request latency quantiles", "timeseries", "s", [
            ('histogram_quantile(0.5, sum by (le, endpoint) (rate(flip_scorer_request_duration_seconds_bucket{endpoint="/v1/score"}[1m])))', "p50 {{endpoint}}"),
            ('histogram_quantile(0.99, sum by (le, endpoint) (rate(flip_scorer_request_duration_seconds_bucket[1m])))', "p99 {{endpoint}}"),
            ('histogram_quantile(0.99, sum by (le) (rate(flip_scorer_batch_size_bucket[5m])))', "p99 batch size (events)")]),
        ("Where a score's time goes: batcher queue and forward pass", "timeseries", "s", [
            ('histogram_quantile(0.99, sum by (le) (rate(flip_scorer_queue_seconds_bucket[1m])))', "queue p99"),
            ('histogram_quantile(0.99, sum by (le) (rate(flip_scorer_forward_seconds_bucket[1m])))', "forward p99"),
            ('rate(flip_scorer_forward_seconds_sum[1m]) / rate(flip_scorer_forward_seconds_count[1m])', "forward mean")]),
        ("Live AUC of served scores (joined with later clicks)", "timeseries", "none", [
            ('flip_scorer_live_auc', "live AUC v{{version}}"),
            ('flip_trainer_window_auc', "prequential AUC (trainer)")]),
        ("Live log loss and calibration", "timeseries", "none", [
            ('flip_scorer_live_logloss', "logloss v{{version}}"),
            ('flip_scorer_live_calibration', "calibration v{{version}}")]),
        ("Served model", "stat", "none", [
            ('flip_scorer_model_version', "served"),
            ('flip_trainer_model_version - flip_scorer_model_version', "versions behind the trainer"),
            ('flip_scorer_model_info', "{{version}} {{kind}}")]),
        ("Swaps, load failures, rollbacks", "timeseries", "short", [
            ('increase(flip_scorer_model_swaps_total[5m])', "swaps"),
            ('sum by (reason) (increase(flip_scorer_model_load_failures_total[5m]))', "refused: {{reason}}"),
            ('increase(flip_scorer_rollbacks_total[5m])', "rollbacks"),
            ('histogram_quantile(0.99, sum by (le) (rate(flip_scorer_model_load_seconds_bucket[15m])))', "load p99 (s)")]),
        ("Label join and dead letters", "timeseries", "short", [
            ('rate(flip_scorer_joined_labels_total[1m])', "joined labels/s"),
            ('rate(flip_scorer_unmatched_clicks_total[1m])', "unmatched clicks/s"),
            ('rate(flip_scorer_evicted_scores_total[1m])', "evicted scores/s"),
            ('sum by (reason) (increase(flip_scorer_dead_letters_total[5m]))', "request DLQ: {{reason}}"),
            ('increase(flip_scorer_shadow_dropped_total[5m])', "shadow scorings dropped")]),
    ]),
]


def build():
    panels, pid, y = [], 1, 0
    for title, row in ROWS:
        panels.append({"id": pid, "type": "row", "title": title, "collapsed": False,
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
        pid += 1
        y += 1
        for i, (ptitle, kind, unit, queries) in enumerate(row):
            x = (i % 3) * 8
            if i and i % 3 == 0:
                y += 8
            panel = {
                "id": pid, "type": kind, "title": ptitle, "datasource": DS,
                "gridPos": {"h": 8, "w": 8, "x": x, "y": y},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "targets": [{"datasource": DS, "refId": chr(ord("A") + j), "expr": expr, "legendFormat": legend}
                            for j, (expr, legend) in enumerate(queries)],
            }
            if kind == "timeseries":
                panel["options"] = {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}}
            panels.append(panel)
            pid += 1
        y += 8
    return {
        "uid": "flip-streaming", "title": "Flip.Streaming", "tags": ["flip"], "timezone": "utc",
        "schemaVersion": 39, "version": 1, "editable": True, "refresh": "5s",
        "time": {"from": "now-30m", "to": "now"}, "panels": panels, "templating": {"list": []}, "annotations": {"list": []},
    }


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards", "flip-streaming.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(build(), f, indent=2)
        f.write("\n")
    print(out)
