/**
 * CHECKPOINT_TESTS_TIMING=1: at exit, one line a phase on stderr (when it
 * ended since node started, its wall and node CPU seconds, and the CPU the
 * run's Python spent on it), for the bench and for finding where a run's
 * time goes. Off, a mark costs one comparison.
 */
const enabled = Boolean(process.env.CHECKPOINT_TESTS_TIMING);

interface Mark {
  name: string;
  wall: number;
  cpu: number;
  pythonCpu?: number;
}

const marks: Mark[] = [{ name: 'node started', wall: 0, cpu: 0 }];

const nodeCpuSeconds = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** The end of a phase named `name`; `pythonCpu`, the CPU seconds the run's Python spent on it. */
export function mark(name: string, pythonCpu?: number): void {
  if (!enabled) return;
  marks.push({ name, wall: performance.now() / 1000, cpu: nodeCpuSeconds(), pythonCpu });
}

if (enabled) {
  process.on('exit', () => {
    mark('exit');
    const lines = marks.slice(1).map((end, index) => {
      const start = marks[index]!;
      const python = end.pythonCpu === undefined ? '' : `, Python ${end.pythonCpu.toFixed(3)} s CPU`;
      return `[timing] ${end.wall.toFixed(3)} s  ${end.name}: ${(end.wall - start.wall).toFixed(3)} s wall, node ${(end.cpu - start.cpu).toFixed(3)} s CPU${python}`;
    });
    process.stderr.write(`${lines.join('\n')}\n`);
  });
}
