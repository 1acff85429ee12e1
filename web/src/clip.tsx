import './styles/main.css';
import './styles/replay.css';
import { mount } from './mount';
import { ClipPage } from './replay/ClipPage';

mount(<ClipPage />);
