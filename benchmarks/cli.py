"""Benchmark of the `newsstudy` command's answers that come before any stage: help and refusals (issue 11).

    .venv/bin/python benchmarks/cli.py        # each case 5 times, median and max wall-clock seconds

The goal is about a second for each: `--help`, a refused OUT, a refused parameter value, a corpus that is a file,
an unknown parameter, and the checks that read the corpus (no article files, a MANIFEST mismatch), which import the
corpus module. Every case runs in a scratch folder and must exit with status 0 (help) or 2 (refused).
"""
import statistics, subprocess, sys, tempfile, time
from pathlib import Path

NEWSSTUDY = Path(sys.executable).parent/'newsstudy'


def cases(d: Path) -> dict:
    "name -> (arguments, expected exit status) on a scratch tree in `d`."
    corpus = d/'corpus'; corpus.mkdir()
    (corpus/'a.txt').write_text('One story.\n')
    (d/'file.txt').write_text('not a folder')
    (d/'empty').mkdir(); (d/'empty'/'notes.md').write_text('# not an article format\n')
    (d/'bad').mkdir(); (d/'bad'/'a.txt').write_text('One story.')
    (d/'bad'/'MANIFEST.csv').write_text('file,sha256,bytes\na.txt,' + '0' * 64 + ',10\n')
    out = str(d/'out')
    return {'--help': (['--help'], 0),
            'OUT is the corpus': (['run', '--corpus', str(corpus), '--out', str(corpus)], 2),
            'OUT contains the corpus': (['run', '--corpus', str(corpus), '--out', str(d)], 2),
            '-p batch_size 0': (['run', '--corpus', str(corpus), '--out', out, '-p', 'batch_size', '0'], 2),
            '-p max_sentences abc': (['run', '--corpus', str(corpus), '--out', out, '-p', 'max_sentences', 'abc'], 2),
            'unknown parameter': (['run', '--corpus', str(corpus), '--out', out, '-p', 'nope', '1'], 2),
            '--corpus FILE': (['run', '--corpus', str(d/'file.txt'), '--out', out], 2),
            'no article files': (['run', '--corpus', str(d/'empty'), '--out', out], 2),
            'MANIFEST mismatch': (['run', '--corpus', str(d/'bad'), '--out', out], 2)}


def main(repeat: int = 5):
    with tempfile.TemporaryDirectory() as d:
        for name, (args, status) in cases(Path(d)).items():
            secs = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                r = subprocess.run([str(NEWSSTUDY), *args], capture_output=True, text=True, cwd=d)
                secs.append(time.perf_counter() - t0)
                assert r.returncode == status, (name, r.returncode, r.stderr)
            print(f"{name:24s} median {statistics.median(secs):5.2f} s   max {max(secs):5.2f} s")


if __name__ == '__main__':
    main(*map(int, sys.argv[1:]))
