import './styles/main.css';
import './styles/replay.css';
import { mount } from './mount';
import { ReplayPage } from './replay/ReplayPage';

mount(<ReplayPage />);
