/** Stray entries conftest's `make_stray` lays out beside real checkpoints (R2, R7); the ids are test ids. */
export const STRAY_KINDS = [
  { id: 'backup-copy', help: 'a complete copy named <checkpoint>.bak' },
  { id: 'directory', help: 'an empty folder named exactly like a checkpoint' },
  { id: 'hidden-temp', help: 'half a checkpoint in .<checkpoint>.tmp, as an atomic writer leaves it' },
  { id: 'partial-suffix', help: 'half a checkpoint in <checkpoint>.partial' },
  { id: 'temp-suffix', help: 'half a checkpoint in <checkpoint>.tmp' },
  { id: 'unrelated-file', help: 'notes.txt, a file people leave in run folders' },
] as const;
