/**
 * The training scripts' random generator: Mulberry32, whose whole state is one 32-bit integer
 * (the quickstart uses the same), so a checkpoint stores it and a resumed job continues the
 * exact same stream: training k epochs and then m more gives bit-for-bit the model of k + m
 * epochs at once.
 */
export class TrainRng {
  state: number;

  constructor(state: number) {
    this.state = state >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal (Box-Muller; the second value is dropped so the state stays one integer). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles in place (Fisher-Yates). */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** Float64Array <-> base64 of its bytes: exact, no decimal rounding. */
export function toBase64(array: Float64Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

export function fromBase64(text: string, length: number, what: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * 8) throw new Error(`corrupt checkpoint: ${what} has ${bytes.length / 8} values, expected ${length}`);
  const out = new Float64Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
