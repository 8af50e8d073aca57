/**
 * Constant-velocity Kalman filter over (cx, cy, aspect, height) and their velocities, the
 * motion model of SORT and ByteTrack. Noise scales with the box height, so small and large
 * boxes are equally sure of themselves. Matrices are plain arrays: 8x8 at most.
 */
export type Vec = number[];
export type Mat = number[][];

const stdPosition = 1 / 20;
const stdVelocity = 1 / 160;

export type KalmanState = { mean: Vec; covariance: Mat };

export function initiate(measurement: Vec): KalmanState {
  const h = measurement[3];
  const std = [
    2 * stdPosition * h,
    2 * stdPosition * h,
    1e-2,
    2 * stdPosition * h,
    10 * stdVelocity * h,
    10 * stdVelocity * h,
    1e-5,
    10 * stdVelocity * h,
  ];
  return { mean: [...measurement, 0, 0, 0, 0], covariance: diag(std.map((s) => s * s)) };
}

/** Moves the state one step (one sampled frame) ahead. */
export function predict(state: KalmanState): KalmanState {
  const h = state.mean[3];
  const std = [stdPosition * h, stdPosition * h, 1e-2, stdPosition * h, stdVelocity * h, stdVelocity * h, 1e-5, stdVelocity * h];
  const F = motionMatrix();
  const mean = matVec(F, state.mean);
  const covariance = add(mul(mul(F, state.covariance), transpose(F)), diag(std.map((s) => s * s)));
  return { mean, covariance };
}

/** Folds a measured box into the state. */
export function update(state: KalmanState, measurement: Vec): KalmanState {
  const h = state.mean[3];
  const std = [stdPosition * h, stdPosition * h, 1e-1, stdPosition * h];
  const H = projectionMatrix();
  const projectedMean = matVec(H, state.mean);
  const projectedCov = add(mul(mul(H, state.covariance), transpose(H)), diag(std.map((s) => s * s)));
  // Kalman gain K = P Hᵀ S⁻¹
  const gain = mul(mul(state.covariance, transpose(H)), invert(projectedCov));
  const innovation = measurement.map((value, i) => value - projectedMean[i]);
  const mean = state.mean.map((value, i) => value + gain[i].reduce((sum, k, j) => sum + k * innovation[j], 0));
  const covariance = sub(state.covariance, mul(mul(gain, projectedCov), transpose(gain)));
  return { mean, covariance };
}

function motionMatrix(): Mat {
  const F = identity(8);
  for (let i = 0; i < 4; i++) F[i][i + 4] = 1;
  return F;
}

function projectionMatrix(): Mat {
  return Array.from({ length: 4 }, (_, i) => Array.from({ length: 8 }, (_, j) => (i === j ? 1 : 0)));
}

function identity(n: number): Mat {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function diag(values: Vec): Mat {
  return values.map((value, i) => values.map((_, j) => (i === j ? value : 0)));
}

function transpose(a: Mat): Mat {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

function mul(a: Mat, b: Mat): Mat {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, value, k) => sum + value * b[k][j], 0)));
}

function matVec(a: Mat, v: Vec): Vec {
  return a.map((row) => row.reduce((sum, value, k) => sum + value * v[k], 0));
}

function add(a: Mat, b: Mat): Mat {
  return a.map((row, i) => row.map((value, j) => value + b[i][j]));
}

function sub(a: Mat, b: Mat): Mat {
  return a.map((row, i) => row.map((value, j) => value - b[i][j]));
}

/** Gauss-Jordan inverse with partial pivoting; S is 4x4 and positive definite. */
function invert(a: Mat): Mat {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...identity(n)[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const p = m[col][col];
    for (let j = 0; j < 2 * n; j++) m[col][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[col][j];
    }
  }
  return m.map((row) => row.slice(n));
}
