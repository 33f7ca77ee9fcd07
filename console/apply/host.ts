/**
 * What the page takes from the host app: the customer's session token and, for flow v4, the
 * device the customer applies from. Both come through the host's JavaScript bridge
 * (`window.AccountOpeningHost`, set before the page's scripts run), never through the URL.
 *
 * The phone's IP address is the host's to give: the page cannot see its own public address, and
 * the API never takes its peer's (behind the host's proxies that would be the proxy's). The host
 * app's backend saw the phone's address when it minted the session and hands it to the page with
 * the token; without it the page cannot ask for v4 and falls back to v3 (docs/console.md).
 */
import { type Device, deviceSchema } from '../../domain/opening-intent';

/** What the host may say about the device; the page fills in the rest. */
export interface HostDevice {
  /** The phone's address as the host app's backend saw it. Required for v4. */
  ip?: string;
  /** IOS, ANDROID or HARMONY inside an app's WebView; WEB unless said. */
  platform?: string;
  appVersion?: string;
  /** The app's own stable id of the installation (IDFV, OAID), if it shares one. */
  deviceId?: string;
}

declare global {
  interface Window {
    /** Set by the host app before the page loads: the session token, and the device for flow v4. */
    AccountOpeningHost?: {
      token?: string;
      getToken?: () => string | Promise<string>;
      device?: HostDevice;
      getDevice?: () => HostDevice | Promise<HostDevice>;
    };
  }
}

const TOKEN_KEY = 'account-opening.apply.token';
const DEVICE_ID_KEY = 'account-opening.apply.device-id';

export async function hostToken(production: boolean): Promise<string | undefined> {
  const host = window.AccountOpeningHost;
  if (host?.getToken) return host.getToken();
  if (host?.token) return host.token;
  // Typing a token in is for development only.
  return production ? undefined : (sessionStorage.getItem(TOKEN_KEY) ?? undefined);
}

export function rememberTypedToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/**
 * This browser's installation id: random, kept in localStorage so the same WebView is the same
 * device across applications (what the linked-applicants count needs), and nothing derived from
 * the phone or the person.
 */
function storedDeviceId(): string {
  const kept = localStorage.getItem(DEVICE_ID_KEY);
  if (kept && deviceSchema.shape.deviceId.safeParse(kept).success) return kept;
  const made = `web-${crypto.randomUUID()}`;
  localStorage.setItem(DEVICE_ID_KEY, made);
  return made;
}

/**
 * The device as v4's start request carries it, or undefined when the host gave no IP address
 * (the page then asks for v3). Malformed values from the host are sent as they are: the API's
 * 400 names the field, which is the host's to fix, not the customer's.
 */
export async function hostDevice(): Promise<Device | undefined> {
  const host = window.AccountOpeningHost;
  const given = (host?.getDevice ? await host.getDevice() : host?.device) ?? {};
  if (!given.ip) return undefined;
  return {
    deviceId: given.deviceId ?? storedDeviceId(),
    // Unchecked here on purpose: an unknown name reaches the API, whose 400 names device.platform.
    platform: (given.platform ?? 'WEB') as Device['platform'],
    ip: given.ip,
    ...(given.appVersion !== undefined && { appVersion: given.appVersion }),
  };
}
