import threading

from service.counts import CountKey, CountStore

MEDS = CountKey("MEDS", "en", "sms", False)


def test_concurrent_counters_lose_no_increment(database_url):
    counters = [CountStore(database_url, b"key", interval=60) for _ in range(4)]
    counters[0].upgrade()

    def send(counter, n):
        for i in range(250):
            counter.record(MEDS, f"SM{n}-{i}")
            if i % 50 == 0:
                counter.flush()
        counter.flush()

    threads = [threading.Thread(target=send, args=(c, n)) for n, c in enumerate(counters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r["count"] for r in counters[0].rows()] == [1000]
    for counter in counters:
        counter.close()
        counter.dispose()


def test_redelivery_counted_once_across_counters(database_url):
    one, two = CountStore(database_url, b"key"), CountStore(database_url, b"key")
    one.upgrade()
    one.record(MEDS, "SMsame")
    one.record(MEDS, "SMsame")
    one.flush()
    two.record(MEDS, "SMsame")
    two.flush()
    assert [r["count"] for r in one.rows()] == [1]
    for counter in (one, two):
        counter.close()
        counter.dispose()


def test_failed_flush_keeps_its_counts(tmp_path):
    database = tmp_path / "later.db"
    database.mkdir()  # a folder where the file should be: SQLite cannot open it, the write fails
    counter = CountStore(f"sqlite:///{database}", b"key", interval=3600)
    counter.record(CountKey("MEDS", "en", "sms", True), "SM1")
    assert counter.flush() == 0
    assert counter.pending == 1 and counter.failures == 1
    database.rmdir()
    assert counter.flush() == 1  # the first flush that can write migrates by itself
    assert counter.rows()[0]["count"] == 1
    counter.close()
    counter.dispose()


def test_bounded_buffer_counts_what_it_drops(tmp_path):
    counter = CountStore(f"sqlite:///{tmp_path / 'x.db'}", b"key", interval=3600, max_pending=3)
    counter.upgrade()
    for n in range(5):
        counter.record(MEDS, f"SM{n}")
    assert counter.pending == 3 and counter.dropped == 2
    counter.close()
    counter.dispose()


def test_stores_of_one_process_migrate_their_databases_at_the_same_time(tmp_path):
    """Alembic keeps its running context in module globals: first writes racing in threads must take turns."""
    stores = [CountStore(f"sqlite:///{tmp_path / f'db{n}.sqlite'}", b"key", interval=3600) for n in range(6)]
    errors = []

    def first_write(store):
        try:
            store.record(CountKey("MEDS", "en", "sms"), None)
            assert store.flush() == 1
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=first_write, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.dispose()
    assert errors == []
