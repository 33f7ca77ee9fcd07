/**
 * PROVIDER_PROFILE: which vendors' wire formats the identity checks speak. `sandbox`: the
 * project's own contract (contracts/providers.ts) for every check; `tencent-cloud`: Tencent
 * Cloud's for the ID-card OCR, the identity register, the three elements and the face
 * comparison, the rest staying on the contract (see ./index.ts).
 */
import type { Ports } from '../ports';
import {
  type TencentCloudSettings,
  tencentFaceVerifier,
  tencentIdCardReader,
  tencentIdentityRegister,
  tencentUnionPay,
} from './index';

export type ProviderProfile = { kind: 'sandbox' } | ({ kind: 'tencent-cloud' } & TencentCloudSettings);

export function withProviderProfile<P extends Pick<Ports, 'idCards' | 'identity' | 'unionPay' | 'face'>>(
  ports: P,
  profile: ProviderProfile | undefined,
): P {
  if (!profile || profile.kind === 'sandbox') return ports;
  return {
    ...ports,
    idCards: tencentIdCardReader(profile),
    identity: tencentIdentityRegister(profile),
    unionPay: tencentUnionPay(profile, ports.unionPay),
    face: tencentFaceVerifier(profile),
  };
}
