import { DelegateScreen } from '../delegate/DelegateScreen';
import { ExpiryScreen } from '../expiry/ExpiryScreen';
import { InitScreen } from '../init/InitScreen';
import { RevokeScreen } from '../revoke/RevokeScreen';
import { RotateScreen } from '../rotate/RotateScreen';
import { SignScreen } from '../sign/SignScreen';
import type { FlowRoute } from './flow-routes';
import { PublishScreen } from './PublishScreen';

export function FlowScreenView(props: { route: FlowRoute }) {
  const { route } = props;
  const preset = route.serverId === undefined || route.gun === undefined ? undefined : { serverId: route.serverId, gun: route.gun };
  switch (route.screen) {
    case 'sign':
      return <SignScreen preset={preset} />;
    case 'revoke':
      return <RevokeScreen preset={preset} />;
    case 'delegate':
      return <DelegateScreen preset={preset} />;
    case 'rotate':
      return <RotateScreen preset={preset} />;
    case 'expiry':
      return <ExpiryScreen />;
    case 'publish':
      return <PublishScreen />;
    case 'init':
      return <InitScreen preset={preset} />;
  }
}
