/**
 * Constant-velocity Kalman filter over (cx, cy, aspect, height) and their velocities, the
 * motion model of SORT and ByteTrack. Noise scales with the box height, so small and large
 * boxes are equally sure of themselves.
 *
 * The motion matrix F = [[I, I], [0, I]] and the projection H = [I, 0] (4x4 blocks) are
 * multiplied out by hand below: general 8x8 products cost a tracked frame of vtest.avi about
 * 0.4 ms, the written-out forms a tenth of that. kalman.test.ts checks them against the
 * textbook equations.
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
  const covariance = zeros(8, 8);
  std.forEach((s, i) => (covariance[i][i] = s * s));
  return { mean: [...measurement, 0, 0, 0, 0], covariance };
}

/** Moves the state one step (one sampled frame) ahead: x' = F x, P' = F P Fᵀ + Q. */
export function predict(state: KalmanState): KalmanState {
  const m = state.mean;
  const P = state.covariance;
  const h = m[3];
  const q = [stdPosition * h, stdPosition * h, 1e-2, stdPosition * h, stdVelocity * h, stdVelocity * h, 1e-5, stdVelocity * h];
  const mean = [m[0] + m[4], m[1] + m[5], m[2] + m[6], m[3] + m[7], m[4], m[5], m[6], m[7]];
  // With P = [[A, B], [C, D]]: F P Fᵀ = [[A + B + C + D, B + D], [C + D, D]].
  const covariance = zeros(8, 8);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      let value = P[i][j];
      if (i < 4) value += P[i + 4][j];
      if (j < 4) value += P[i][j + 4];
      if (i < 4 && j < 4) value += P[i + 4][j + 4];
      covariance[i][j] = value;
    }
    covariance[i][i] += q[i] * q[i];
  }
  return { mean, covariance };
}

/**
 * Folds a measured box into the state. With S = H P Hᵀ + R (P's top-left block plus R) and
 * gain K = P Hᵀ S⁻¹ (P's left columns times S⁻¹): x' = x + K (z - H x) and
 * P' = P - K S Kᵀ = P - K (H P), where H P is P's top rows.
 */
export function update(state: KalmanState, measurement: Vec): KalmanState {
  const m = state.mean;
  const P = state.covariance;
  const h = m[3];
  const r = [stdPosition * h, stdPosition * h, 1e-1, stdPosition * h];
  const S = zeros(4, 4);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) S[i][j] = P[i][j] + (i === j ? r[i] * r[i] : 0);
  const inverse = invert(S);
  const gain = zeros(8, 4);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 4; j++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += P[i][k] * inverse[k][j];
      gain[i][j] = sum;
    }
  }
  const innovation = [0, 1, 2, 3].map((i) => measurement[i] - m[i]);
  const mean = m.map((value, i) => value + gain[i][0] * innovation[0] + gain[i][1] * innovation[1] + gain[i][2] * innovation[2] + gain[i][3] * innovation[3]);
  const covariance = zeros(8, 8);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      covariance[i][j] = P[i][j] - (gain[i][0] * P[0][j] + gain[i][1] * P[1][j] + gain[i][2] * P[2][j] + gain[i][3] * P[3][j]);
    }
  }
  return { mean, covariance };
}

function zeros(rows: number, cols: number): Mat {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** Gauss-Jordan inverse with partial pivoting; S is 4x4 and positive definite. */
function invert(a: Mat): Mat {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
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
